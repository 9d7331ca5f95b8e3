{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Sleep",
   "End": true
  }
 }
}