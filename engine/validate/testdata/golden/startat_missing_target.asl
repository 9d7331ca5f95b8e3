{
 "StartAt": "B",
 "States": {
  "A": {
   "Type": "Pass",
   "End": true
  }
 }
}