{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "ResultPath": "$.a[*]",
   "End": true
  }
 }
}