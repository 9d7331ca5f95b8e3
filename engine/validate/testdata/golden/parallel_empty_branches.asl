{
 "StartAt": "P",
 "States": {
  "P": {
   "Type": "Parallel",
   "Branches": [],
   "End": true
  }
 }
}